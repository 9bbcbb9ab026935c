// Group-based adaptive MFA (WSO2 "Group-Based" template).
//
// Everyone signs in with step 1. Members of any of the groups below must also complete step 2
// (TOTP). A local user's groups come from the user store; a federated user's from the groups
// claim of the connection.
//
// Fixes the old WSO2 group.json, which called hasAnyOfTheGroups: that function was never
// registered, so every login with it failed. isMemberOfAnyOfGroups is the real function.

// Members of any of these groups get the second factor.
var groupsToStepUp = ['admin', 'manager'];

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.currentKnownSubject;
            if (isMemberOfAnyOfGroups(user, groupsToStepUp)) {
                Log.info(getMaskedValue(user.username) + ' is a member of one of the groups ' + groupsToStepUp.join(', ') + ': second factor required');
                executeStep(2);
            }
        }
    });
};
