package console

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/elasticjob-go/elasticjob/lifecycle"
)

// The actions: POST forms, each guarded by act (full user, same origin, token) and audited.

func jobPage(job string) string { return "/jobs/" + job }

func (c *Console) trigger(r *http.Request) (action, string, error) {
	job := r.PathValue("job")
	a := action{op: "trigger", job: job}
	if p, ok := r.PostForm["parameter"]; ok && p[0] != "" {
		a.detail = "parameter=" + p[0]
		return a, jobPage(job), c.op.TriggerWithParameter(r.Context(), job, p[0])
	}
	return a, jobPage(job), c.op.Trigger(r.Context(), job)
}

// jobServers disables, enables or shuts down the job on every server, as ElasticJob-UI's job
// dimension does.
func (c *Console) jobServers(op string) actionFunc {
	return func(r *http.Request) (action, string, error) {
		job := r.PathValue("job")
		return action{op: op, job: job}, jobPage(job), c.serverOp(r, op, job, "")
	}
}

// jobServer acts on one server of one job.
func (c *Console) jobServer(r *http.Request) (action, string, error) {
	job, ip, op := r.PathValue("job"), r.PathValue("ip"), r.PathValue("op")
	next := jobPage(job)
	if strings.HasSuffix(r.Referer(), "/servers/"+ip) {
		next = "/servers/" + ip
	}
	return action{op: op, job: job, server: ip}, next, c.serverOp(r, op, job, ip)
}

// serverJobs acts on every job of one server (the server dimension).
func (c *Console) serverJobs(r *http.Request) (action, string, error) {
	ip, op := r.PathValue("ip"), r.PathValue("op")
	next := "/servers"
	return action{op: op, server: ip}, next, c.serverOp(r, op, "", ip)
}

func (c *Console) serverOp(r *http.Request, op, job, ip string) error {
	ctx := r.Context()
	switch op {
	case "disable":
		return c.op.Disable(ctx, job, ip)
	case "enable":
		return c.op.Enable(ctx, job, ip)
	case "shutdown":
		return c.op.Shutdown(ctx, job, ip)
	case "remove":
		return c.op.Remove(ctx, job, ip)
	}
	return fmt.Errorf("unknown action %q", op)
}

// removeJob deletes a job's whole tree, only when no instance runs it (CRASHED), as ElasticJob-UI.
func (c *Console) removeJob(r *http.Request) (action, string, error) {
	ctx := r.Context()
	job := r.PathValue("job")
	a := action{op: "remove", job: job}
	info, err := c.op.Job(ctx, job)
	if err != nil {
		return a, jobPage(job), err
	}
	if info.Status != lifecycle.JobCrashed {
		return a, jobPage(job), fmt.Errorf("job %q is %s: only a CRASHED job (no instance online) can be removed; shut it down first", job, info.Status)
	}
	if err := c.op.RemoveConfig(ctx, job); err != nil {
		return a, jobPage(job), err
	}
	return a, "/jobs", nil
}

func (c *Console) item(r *http.Request) (action, string, error) {
	job, op := r.PathValue("job"), r.PathValue("op")
	a := action{op: op + "-item", job: job, item: r.PathValue("item")}
	item, err := strconv.Atoi(a.item)
	if err != nil {
		return a, jobPage(job), fmt.Errorf("sharding item %q is not a number", a.item)
	}
	switch op {
	case "disable":
		return a, jobPage(job), c.op.DisableItem(r.Context(), job, item)
	case "enable":
		return a, jobPage(job), c.op.EnableItem(r.Context(), job, item)
	}
	return a, jobPage(job), fmt.Errorf("unknown action %q", op)
}

// updateConfig applies the configuration form over the job's current configuration; the
// lifecycle API validates it as a service's start-up does, and nothing is written when it fails.
func (c *Console) updateConfig(r *http.Request) (action, string, error) {
	ctx := r.Context()
	job := r.PathValue("job")
	a := action{op: "config-update", job: job}
	cfg, err := c.op.Config(ctx, job)
	if err != nil {
		return a, jobPage(job), err
	}
	if err := applyForm(&cfg, r); err != nil {
		return a, jobPage(job), err
	}
	return a, jobPage(job), c.op.UpdateConfig(ctx, cfg)
}

// applyForm copies the form's fields onto cfg; a number that is not one is an error naming the field.
func applyForm(cfg *lifecycle.JobConfiguration, r *http.Request) error {
	f := r.PostForm
	text := map[string]*string{
		"cron": &cfg.Cron, "timeZone": &cfg.TimeZone, "shardingItemParameters": &cfg.ShardingItemParameters,
		"jobParameter": &cfg.JobParameter, "description": &cfg.Description,
		"jobShardingStrategyType": &cfg.JobShardingStrategyType, "jobExecutorServiceHandlerType": &cfg.JobExecutorServiceHandlerType,
		"jobErrorHandlerType": &cfg.JobErrorHandlerType,
	}
	for k, p := range text {
		if v, ok := f[k]; ok {
			*p = strings.TrimSpace(v[0])
		}
	}
	var errs []error
	for k, p := range map[string]*int{
		"shardingTotalCount": &cfg.ShardingTotalCount, "maxTimeDiffSeconds": &cfg.MaxTimeDiffSeconds,
		"reconcileIntervalMinutes": &cfg.ReconcileIntervalMinutes,
	} {
		if v, ok := f[k]; ok {
			n, err := strconv.Atoi(strings.TrimSpace(v[0]))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %q is not a whole number", k, v[0]))
				continue
			}
			*p = n
		}
	}
	cfg.MonitorExecution, cfg.Failover, cfg.Misfire = f.Has("monitorExecution"), f.Has("failover"), f.Has("misfire")
	if v, ok := f["props"]; ok {
		props, err := parseProps(v[0])
		errs = append(errs, err)
		cfg.Props = props
	}
	return errors.Join(errs...)
}

// parseProps reads "key=value" lines; blank lines are skipped.
func parseProps(text string) (map[string]string, error) {
	props := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("props line %d: %q is not key=value", n, line)
		}
		props[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if len(props) == 0 {
		return nil, nil
	}
	return props, nil
}

// dump shows an instance's dump of the job. Only the full user may ask, and only an instance
// on one of the job's servers: the console does not connect wherever a form says.
func (c *Console) dump(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	job, addr := r.PathValue("job"), r.URL.Query().Get("instance")
	a := action{op: "dump", job: job, server: addr}
	if !u.canAct() {
		c.log.Warn("console audit: action refused: read-only user", "user", u.name, "op", "dump", "job", job, "remote", r.RemoteAddr)
		http.Error(w, "read-only user: the dump needs the console's full account", http.StatusForbidden)
		return
	}
	text, err := c.dumpText(r, job, addr)
	c.audit(r, u, a, err)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", job+"-dump.txt"))
	fmt.Fprint(w, text)
}

func (c *Console) dumpText(r *http.Request, job, addr string) (string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("dump address %q: %v (want IP:PORT)", addr, err)
	}
	servers, err := c.op.JobServers(r.Context(), job)
	if err != nil {
		return "", err
	}
	for _, s := range servers {
		if s.ServerIP == host {
			return lifecycle.Dump(r.Context(), addr, job)
		}
	}
	return "", fmt.Errorf("dump address %q: %s is not a server of job %q", addr, host, job)
}
