package nodedata

// The values of servers/{ip}: DISABLED keeps the server's instances from getting items.
const (
	ServerEnabled  = "ENABLED"
	ServerDisabled = "DISABLED"
)

// ServerValueEnabled reads a servers/{ip} value as ElasticJob's ServerService does: every value
// but exactly DISABLED is enabled (blank, a missing node, "disabled" too). The engine decides
// who runs items by it, so every surface that shows a server's state must read it the same way.
func ServerValueEnabled(v string) bool { return v != ServerDisabled }

// ServerValueKnown says whether v is a value ElasticJob writes (ENABLED, DISABLED or blank).
func ServerValueKnown(v string) bool { return v == ServerEnabled || v == ServerDisabled || v == "" }
