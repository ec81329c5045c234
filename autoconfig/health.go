package autoconfig

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// health answers the probes: /healthz while the process runs, /readyz while the registry
// session is connected and every job is registered on this instance.
type health struct {
	registry *Registry
	jobs     []string // every job of the service, in name order
}

// maxListedJobs caps the jobs /readyz names: a service of 30,000 jobs says how many are missing,
// not which, line by line.
const maxListedJobs = 10

// unready lists why the service is not ready; none: it is.
func (h *health) unready() []string {
	rc := h.registry.Center()
	if rc == nil {
		return []string{"the registry center is not started"}
	}
	var reasons []string
	if !rc.Connected() {
		reasons = append(reasons, "the registry session is not connected")
	}
	var missing []string
	for _, job := range h.jobs {
		if !rc.Registered(job) {
			missing = append(missing, job)
		}
	}
	switch {
	case h.registry.registering.Load():
		reasons = append(reasons, fmt.Sprintf("registering jobs: %s of %s registered", thousands(len(h.jobs)-len(missing)), thousands(len(h.jobs))))
	case len(missing) > 0:
		for _, job := range missing[:min(len(missing), maxListedJobs)] {
			reasons = append(reasons, fmt.Sprintf("job %s is not registered on this instance", job))
		}
		if more := len(missing) - maxListedJobs; more > 0 {
			reasons = append(reasons, fmt.Sprintf("and %s more jobs are not registered on this instance", thousands(more)))
		}
	}
	return reasons
}

// thousands writes n with a comma every three digits: 30,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// healthStatus is the JSON body of both probes.
type healthStatus struct {
	Status  string   `json:"status"` // "ok", or "unavailable" with the reasons
	Reasons []string `json:"reasons,omitempty"`
}

func (h *health) handlers() []HTTPHandler {
	return []HTTPHandler{
		{Pattern: "/healthz", Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			writeHealth(w, http.StatusOK, healthStatus{Status: "ok"})
		})},
		{Pattern: "/readyz", Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if reasons := h.unready(); len(reasons) > 0 {
				writeHealth(w, http.StatusServiceUnavailable, healthStatus{Status: "unavailable", Reasons: reasons})
				return
			}
			writeHealth(w, http.StatusOK, healthStatus{Status: "ok"})
		})},
	}
}

func writeHealth(w http.ResponseWriter, code int, s healthStatus) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(s)
}
