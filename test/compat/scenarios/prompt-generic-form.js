var onLoginRequest = function (context) {
  executeStep(1, {
    onSuccess: function (context) {
      prompt('genericForm', {
        username: context.currentKnownSubject.username,
        inputs: [{ id: 'pin', label: 'Branch PIN' }]
      }, {
        onSuccess: function (context, data) {
          Log.info('pin entered: ' + data.pin);
          if (data.pin != '4321') {
            fail({ errorCode: 'wrong_pin' });
          }
        },
        onDecline: function (context, data) {
          Log.info('declined: ' + data.reason);
          sendError('https://thrift.example.com/declined', { reason: data.reason });
        }
      });
    }
  });
};
