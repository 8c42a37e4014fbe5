/** Opens the configured key-encryption-key provider, and the previous one while `[kms] rewrap_from` moves realm keys off it. */
import path from "node:path";
import type { ArcanConfig } from "../config/config";
import { LocalKeyFileKms, type KmsProvider } from "./kms";
import { Pkcs11Kms } from "./pkcs11";

/** Runs a start-up step alone among the processes sharing the store (`exclusively` in server/store/client.ts). */
export type StartupLock = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * The key-encryption key's provider: a (possibly shared) key file, or an HSM through
 * PKCS#11. The HSM key is found or created under `startupLock`: replicas starting together
 * on a fresh token would otherwise each create a key of the same label and wrap with their own.
 */
export async function openKms(config: ArcanConfig, startupLock: StartupLock = (fn) => fn()): Promise<KmsProvider> {
  return config.kms.provider === "pkcs11" ? startupLock(() => openPkcs11(config)) : openLocal(LocalKeyFileKms.fromConfig(config));
}

/**
 * The provider the realm keys are wrapped by now, when `[kms] rewrap_from` names one: a
 * key file (`rewrap_from_key_file`, by default `<data_dir>/kek.key`) or the `[kms] pkcs11_*`
 * token. A missing old key file is a configuration error (never created here).
 */
export async function openPreviousKms(config: ArcanConfig): Promise<(KmsProvider & { close?: () => void }) | null> {
  const { rewrap_from: from, rewrap_from_key_file: keyFile } = config.kms;
  if (!from) return null;
  if (from === "pkcs11") return openPkcs11(config);
  const file = keyFile ? path.resolve(config.data_dir, keyFile) : path.join(config.data_dir, "kek.key");
  return openLocal(new LocalKeyFileKms(file, { create: false }));
}

function openPkcs11(config: ArcanConfig): Promise<Pkcs11Kms> {
  const { pkcs11_module: module, token_label: tokenLabel, pin, key_label: keyLabel } = config.kms;
  if (!tokenLabel || !pin) throw new Error('[kms] pkcs11 needs token_label and pin (ARCAN_KMS_TOKEN_LABEL, ARCAN_KMS_PIN)');
  return Pkcs11Kms.open({ module, tokenLabel, pin, keyLabel });
}

function openLocal(kms: LocalKeyFileKms): LocalKeyFileKms {
  kms.load();
  return kms;
}
