// Risk-based adaptive MFA with an external risk API (the WSO2 "Risk-Based" template and the
// docs' API-based pattern, with httpGet).
//
// After step 1 the script asks a risk service for a score for this user and IP address. A score
// at or above the threshold requires step 2 (TOTP). If the service fails or does not answer in
// time, the login steps up too: the check fails closed.
// The risk service's domain must be on the tenant's HTTP allow-list. Its API key is a tenant
// secret; it never appears in the script.

// The risk service: GET <riskApiUrl>?user=...&ip=... answers {"score": 0..100}.
var riskApiUrl = 'https://risk.example.com/score';
// The name of the tenant secret that holds the API key (sent as X-API-Key).
var riskApiKeySecret = 'riskApiKey';
// Scores at or above this require the second factor.
var riskScoreThreshold = 50;

var onLoginRequest = function (context) {
    executeStep(1, {
        onSuccess: function (context) {
            var user = context.currentKnownSubject;
            var url = riskApiUrl + '?user=' + encodeURIComponent(user.username) + '&ip=' + encodeURIComponent(context.request.ip || '');
            httpGet(url, { 'X-API-Key': getSecretByName(riskApiKeySecret) }, {
                onSuccess: function (context, data) {
                    var score = Number(data.score);
                    if (isNaN(score) || score >= riskScoreThreshold) {
                        Log.info('Risk score ' + data.score + ': second factor required');
                        executeStep(2);
                    } else {
                        Log.info('Risk score ' + score + ': no second factor');
                    }
                },
                onFail: function (context, data) {
                    Log.error('The risk service failed: second factor required');
                    executeStep(2);
                },
                onTimeout: function (context, data) {
                    Log.error('The risk service did not answer in time: second factor required');
                    executeStep(2);
                }
            });
        }
    });
};
