/** The realm-name rule, in a module of its own so console code can import it without the service. */
export const REALM_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
