// Role assignment on login (WSO2 "Update Office365 role" template).
//
// After step 1, a local user who lacks any of the roles below gets them. Typical use: give
// everyone who signs in to this application a role that outbound provisioning or another
// application relies on. Roles use the legacy role model (exact names, 'Internal/...').
// Federated users without a local account cannot get roles; the login goes on.

// Roles every user who signs in to this application should have.
var rolesToAssign = ['Internal/office365Role'];

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.currentKnownSubject;
            var missing = rolesToAssign.filter(function (role) {
                return !hasAnyOfTheRoles(user, [role]);
            });
            if (missing.length === 0) {
                Log.info(getMaskedValue(user.username) + ' already has ' + rolesToAssign.join(', '));
            } else if (assignUserRoles(user, missing)) {
                Log.info('Assigned ' + missing.join(', ') + ' to ' + getMaskedValue(user.username));
            } else {
                Log.error('Could not assign ' + missing.join(', ') + ' to ' + getMaskedValue(user.username));
            }
        }
    });
};
