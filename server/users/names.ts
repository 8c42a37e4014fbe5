/** Operator name and password rules, shared by the users service and the console's schemas. */

/** The name part of `user:<name>`, as the RBAC subject pattern allows it. */
export const USER_NAME = /^[A-Za-z0-9_.@-]{1,64}$/;
export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 256;
