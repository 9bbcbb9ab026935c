// This script will run all the configured steps.
// (The console generates it: one executeStep per configured step.)
var onLoginRequest = function(context) {
    executeStep(1);
    executeStep(2);
};
