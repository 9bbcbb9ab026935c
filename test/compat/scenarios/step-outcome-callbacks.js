var onLoginRequest = function (context) {
  executeStep(1, {
    onSuccess: function (context) {
      Log.info('onSuccess: ' + context.steps[1].subject.username);
    },
    onFail: function (context) {
      Log.info('onFail: recover with email OTP');
      executeStep(3);
    },
    onFallback: function (context) {
      Log.info('onFallback: identifier-first fell back to email OTP');
      executeStep(3);
    },
    onUserAbort: function (context) {
      Log.info('onUserAbort');
      fail({ errorCode: 'login_cancelled', errorMessage: 'The user cancelled the login' });
    }
  });
};
