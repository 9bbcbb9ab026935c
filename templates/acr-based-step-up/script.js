// ACR-based adaptive MFA (WSO2 "ACR-Based" template).
//
// The application asks for an authentication level with acr_values (OIDC) or a
// RequestedAuthnContext (SAML). selectAcrFrom picks the first of supportedAcrValues (in the
// order below) that the client requested; the script reports it back as the selected ACR and
// runs the matching steps:
//   acr1: step 1 (password)
//   acr2: step 1 and step 2 (TOTP)
//   acr3: step 1 and step 3 (passkey / FIDO)
//   nothing requested or supported: all three steps.
//
// Fixes the WSO2 original, whose switch read the undefined variables `acr` and `acrList`:
// a ReferenceError that made every login with that template fail.

// ACR values this application supports, in priority order.
var supportedAcrValues = ['acr1', 'acr2', 'acr3'];

var onLoginRequest = function (context) {
    var selectedAcr = selectAcrFrom(context, supportedAcrValues);
    Log.info('Requested ACR values: ' + context.requestedAcr.join(', ') + '; selected: ' + selectedAcr);
    if (selectedAcr !== null) {
        context.selectedAcr = selectedAcr;
    }
    switch (selectedAcr) {
        case 'acr1':
            executeStep(1);
            break;
        case 'acr2':
            executeStep(1);
            executeStep(2);
            break;
        case 'acr3':
            executeStep(1);
            executeStep(3);
            break;
        default:
            executeStep(1);
            executeStep(2);
            executeStep(3);
    }
};
