// authscript keeps closures and globals between steps (WSO2 loses closures).
var audit = { callbacks: 0 };

var onLoginRequest = function (context) {
  var app = context.serviceProviderName;   // local to onLoginRequest
  var seen = [];
  executeStep(1, {
    onSuccess: function (context) {
      seen.push(context.steps[1].subject.username);
      audit.callbacks++;
      riskLevel = 'low';                     // an undeclared (implicit) global
      executeStep(2, {
        onSuccess: function (context) {
        seen.push('totp');
          audit.callbacks++;
          Log.info(app + ' saw ' + seen.join(', ') + '; callbacks ' + audit.callbacks + '; risk ' + riskLevel);
        }
      });
    }
  });
};
