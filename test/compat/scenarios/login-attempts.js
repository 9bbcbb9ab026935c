// Login attempts: a global helper re-runs step 1 from onFail, up to three attempts.
var maxAttempts = 3;
var attempts = 0;

function login(context) {
  executeStep(1, {
    onSuccess: function (context) {
      Log.info('signed in after ' + (attempts + 1) + ' attempt(s)');
    },
    onFail: function (context) {
      attempts++;
      Log.info('failed attempt ' + attempts);
      if (attempts < maxAttempts) {
        login(context);
      } else {
        sendError('https://thrift.example.com/locked', { reason: 'too many attempts', attempts: attempts });
      }
    }
  });
}

var onLoginRequest = function (context) {
  login(context);
};
