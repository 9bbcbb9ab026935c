// New-device adaptive MFA (WSO2 "New-Device-Based" template).
//
// After step 1, the browser is recognised by a signed cookie that holds the user's identifier.
// A browser without a valid cookie for this user is a new device: the user can be told by email,
// and must complete step 2 (TOTP). Only when step 2 succeeds is the device remembered (the
// cookie is set), so a stolen password alone never makes a device trusted.
// The cookie is signed by the server: a cookie a client made up, or one set for another user,
// does not count.

// How long a device is remembered, in seconds (two years).
var deviceRememberPeriod = 63072000;
// The cookie that remembers the device.
var cookieName = 'deviceAuth';
// Email the user when they sign in from a new device.
var sendNotification = true;
// Ask for the second factor on a new device. When false, the device is remembered right away.
var stepUpAuthentication = true;
// The email template used for the notification.
var emailTemplate = 'UnseenDeviceLogin';

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.currentKnownSubject;
            if (isKnownDevice(context, user)) {
                return;
            }
            Log.info('New device for ' + getMaskedValue(user.identifier));
            if (sendNotification) {
                sendEmail(user, emailTemplate, {
                    'username': user.identifier,
                    'login-time': new Date().toUTCString()
                });
            }
            if (stepUpAuthentication) {
                executeStep(2, {
                    onSuccess: function (context) {
                        // Read the user from the context: WSO2 does not keep closures between steps.
                        rememberDevice(context, context.currentKnownSubject);
                    }
                });
            } else {
                rememberDevice(context, user);
            }
        }
    });
};

// Whether the request carries this server's signed cookie for this user.
function isKnownDevice(context, user) {
    var remembered = getCookieValue(context.request, cookieName, { 'validateSignature': true });
    return remembered !== null && remembered === user.identifier;
}

function rememberDevice(context, user) {
    setCookie(context.response, cookieName, user.identifier, {
        'sign': true,
        'max-age': deviceRememberPeriod,
        'sameSite': 'LAX'
    });
}
