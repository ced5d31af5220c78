// What the logged-in user's role lets the UI show. The manager enforces every rule itself; the UI only hides what
// would be refused, so a screen never offers an action that answers 403.

export const ROLES = ['global_admin', 'global_reporter', 'ou_admin', 'ou_reporter', 'user'];

export const isAdmin = (user) => user && (user.role === 'global_admin' || user.role === 'ou_admin');
export const isGlobalAdmin = (user) => user && user.role === 'global_admin';
/** Devices, enrolment secrets and agent configurations: every role but `user`. */
export const readsDevices = (user) => user && user.role !== 'user';
/** The roles an admin may give: an OU admin only the OU roles. */
export const assignableRoles = (user) => (isGlobalAdmin(user) ? ROLES : ['ou_admin', 'ou_reporter', 'user']);
/** Storing results (the browser speed test's): the admins and `user`; the reporters only read. */
export const submitsResults = (user) => user && ['global_admin', 'ou_admin', 'user'].includes(user.role);
