/// WS-Man requests served by the object manager: the dispatcher between the codec and the providers.
