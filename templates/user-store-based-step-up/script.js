// User-store-based adaptive MFA (WSO2 "User-Store-Based" template).
//
// Everyone signs in with step 1. Users who come from any of the user stores below (for example
// secondary stores for staff and contractors) must also complete step 2 (TOTP). Store names are
// compared ignoring case. Federated users without a local account have no user store.

// Users of these user stores get the second factor.
var userStoresToStepUp = ['EMPLOYEES', 'CONTRACTORS'];

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.steps[1].subject;
            var store = user.userStoreDomain;
            var stepUp = store !== null && userStoresToStepUp.some(function (name) {
                return name.toUpperCase() === store.toUpperCase();
            });
            if (stepUp) {
                Log.info(getMaskedValue(user.username) + ' is from the user store ' + store + ': second factor required');
                executeStep(2);
            }
        }
    });
};
