package tracing

// Store is the database the observer writes, for reading the history in the same process (the
// web console of the service); nil before the service has started (OnStart connects it) and
// for a nil observer (tracing off).
func (o *Observer) Store() *Store {
	if o == nil || !o.w.started.Load() { // started is set after store: this read sees it
		return nil
	}
	return o.w.store
}
