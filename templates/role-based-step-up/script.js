// Role-based adaptive MFA (WSO2 "Role-Based" template, legacy role model).
//
// Everyone signs in with step 1 (username & password). Users who have any of the roles below
// must also complete step 2 (TOTP). The roles are read from the user store with
// hasAnyOfTheRoles, so role names are compared exactly as the store keeps them
// ('admin', 'Internal/auditor', 'EMPLOYEES/finance', ...).
// Federated users without a local account have no roles and are never stepped up.

// Users with any of these roles get the second factor.
var rolesToStepUp = ['admin', 'manager'];

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.currentKnownSubject;
            if (hasAnyOfTheRoles(user, rolesToStepUp)) {
                Log.info(getMaskedValue(user.username) + ' has one of the roles ' + rolesToStepUp.join(', ') + ': second factor required');
                executeStep(2);
            }
        }
    });
};
