package autoconfig

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"go.uber.org/fx"
)

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

// HTTPHandlers are every handler of the fx group elasticjob.http.handlers: /metrics, /healthz,
// /readyz and what other modules contribute (the console at / with elasticjob.http.console). A
// service that serves HTTP itself mounts them on its own mux instead of setting
// elasticjob.http.address:
//
//	fx.Invoke(func(h *autoconfig.HTTPHandlers, mux *http.ServeMux) { h.Mount(mux) })
type HTTPHandlers struct {
	list []HTTPHandler
}

// All are the handlers in pattern order.
func (h *HTTPHandlers) All() []HTTPHandler { return slices.Clone(h.list) }

// Mount registers every handler on mux at its pattern.
func (h *HTTPHandlers) Mount(mux *http.ServeMux) {
	for _, hh := range h.list {
		mux.Handle(hh.Pattern, hh.Handler)
	}
}

type httpHandlersParams struct {
	fx.In
	Properties *Properties
	Handlers   []HTTPHandler `group:"elasticjob.http.handlers"`
}

// newHTTPHandlers checks the group: patterns given once, and a console at / when
// elasticjob.http.console asks for one (a key is never accepted and ignored).
func newHTTPHandlers(p httpHandlersParams) (*HTTPHandlers, error) {
	list := slices.SortedFunc(slices.Values(p.Handlers), func(a, b HTTPHandler) int { return cmp.Compare(a.Pattern, b.Pattern) })
	var errs []error
	for i, h := range list {
		switch {
		case h.Handler == nil:
			errs = append(errs, fmt.Errorf("elasticjob: HTTP handler for %q is nil", h.Pattern))
		case i > 0 && list[i-1].Pattern == h.Pattern:
			errs = append(errs, fmt.Errorf("elasticjob: two HTTP handlers for %q in group elasticjob.http.handlers", h.Pattern))
		}
	}
	hasConsole := slices.ContainsFunc(list, func(h HTTPHandler) bool { return h.Pattern == "/" })
	if p.Properties.HTTP.Console && !hasConsole {
		errs = append(errs, errors.New("elasticjob: elasticjob.http.console is true, but no console is in the application: add the console module"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &HTTPHandlers{list: list}, nil
}
