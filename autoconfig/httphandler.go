package autoconfig

import "net/http"

// HTTPHandler is one handler of the service's HTTP side, mounted at Pattern (a net/http
// ServeMux pattern such as "/metrics" or "/"). Module contributes /metrics, /healthz and
// /readyz; other modules (the web console) contribute theirs to the fx value group
// "elasticjob.http.handlers":
//
//	fx.Provide(fx.Annotate(newHandler, fx.ResultTags(`group:"elasticjob.http.handlers"`)))
//
// The server of elasticjob.http.address mounts every one; a service with its own server mounts
// them from HTTPHandlers instead.
type HTTPHandler struct {
	Pattern string
	Handler http.Handler
}
