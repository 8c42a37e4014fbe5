/**
 * Recent Cedar outcomes, keyed by everything a decision can depend on: the preparsed
 * subset (a policy version is immutable, so its id pins the rules), the request's entity
 * uids and action, and the attributes those rules can read (attribute-paths.ts). Cedar
 * evaluation is a pure function of exactly that (no clock, no randomness, no I/O), so a
 * hit is the decision Cedar would make; requests that differ only in attributes no rule
 * reads share an entry. Least recently used entries go first.
 */
import type { Outcome } from "./engine";

export class DecisionCache {
  private readonly entries = new Map<string, Outcome>();

  constructor(private readonly capacity: number) {}

  get(key: string): Outcome | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Map keeps insertion order: re-inserting makes this the most recent entry.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, outcome: Outcome): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, Object.freeze(outcome));
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
