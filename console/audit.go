package console

import "net/http"

// action is one operator action, as the audit log records it.
type action struct {
	op     string // trigger, disable, enable, shutdown, remove, disable-item, enable-item, config-update, dump
	job    string
	server string // server IP, when the action targets one
	item   string // sharding item, for item actions
	detail string // e.g. the one-off parameter of a trigger
}

// audit writes the log line every action leaves: who, what, which job, and how it ended. The
// line never holds credentials (the user name only).
func (c *Console) audit(r *http.Request, u user, a action, err error) {
	attrs := []any{"user", u.name, "op", a.op, "job", a.job, "remote", r.RemoteAddr}
	if a.server != "" {
		attrs = append(attrs, "server", a.server)
	}
	if a.item != "" {
		attrs = append(attrs, "item", a.item)
	}
	if a.detail != "" {
		attrs = append(attrs, "detail", a.detail)
	}
	if err != nil {
		c.log.Warn("console audit: action failed", append(attrs, "error", err.Error())...)
		return
	}
	c.log.Info("console audit: action done", attrs...)
}
