// Role-based adaptive MFA for the IS 7 / Asgardeo role model (WSO2 "Role-Based (V2)" template).
//
// Everyone signs in with step 1. If the flow's subject has any of the roles below (roles of the
// application, assigned directly or through groups), step 2 (TOTP) follows.
// hasAnyOfTheRolesV2 compares role names without an 'Internal/' prefix and returns false for a
// federated user without a local account, or before any step has identified a user.

// Application roles that require the second factor (names without 'Internal/').
var rolesToStepUp = ['admin', 'manager'];

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            if (hasAnyOfTheRolesV2(context, rolesToStepUp)) {
                Log.info(getMaskedValue(context.currentKnownSubject.username) + ' has one of the roles ' + rolesToStepUp.join(', ') + ': second factor required');
                executeStep(2);
            }
        }
    });
};
