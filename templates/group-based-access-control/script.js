// Group-based access control (WSO2 "Group-Based Access Control" template).
//
// Only members of the groups below may sign in to this application. Everyone else is sent to
// an error page right after step 1, before any token is issued.

// Members of any of these groups may sign in.
var groupsToAllowAccess = ['employees', 'contractors'];
// Where to send denied users; '' means the server's default error page.
var errorPage = '';
// Shown on the error page (the 'status' and 'statusMsg' parameters).
var errorStatus = 'Unauthorized';
var errorStatusMessage = 'You are not allowed to sign in to this application.';

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.currentKnownSubject;
            if (!isMemberOfAnyOfGroups(user, groupsToAllowAccess)) {
                Log.info('Access denied: ' + getMaskedValue(user.username) + ' is not in any of the groups ' + groupsToAllowAccess.join(', '));
                sendError(errorPage, { 'status': errorStatus, 'statusMsg': errorStatusMessage });
            }
        }
    });
};
