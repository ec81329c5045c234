package errorhandler

import (
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobprops"
)

// emailHandler is EMAIL: an HTML mail through an SMTP server.
type emailHandler struct {
	host               string
	port               int
	username, password string
	from               *mail.Address
	to, cc, bcc        []*mail.Address
	useSSL             bool // implicit TLS; otherwise plain with STARTTLS when offered
	subject            string
	debug              bool          // log each SMTP step
	trust              []string      // ssl.trust: hosts whose certificates are not verified, "*" for all
	timeout            time.Duration // of one whole SMTP conversation
	log                *slog.Logger
}

func newEmail(props map[string]string, log *slog.Logger) (Handler, error) {
	h := &emailHandler{log: log, timeout: sendTimeout}
	var err error
	if h.host, err = jobprops.Required(props, "email.host"); err != nil {
		return nil, err
	}
	h.host = strings.TrimSpace(h.host)
	if _, err = jobprops.Required(props, "email.port"); err != nil {
		return nil, err
	}
	if h.port, err = jobprops.PositiveInt(props, "email.port", 0); err != nil {
		return nil, err
	}
	if h.port > 65535 {
		return nil, fmt.Errorf("email.port: %q is not a TCP port", props["email.port"])
	}
	if h.username, err = jobprops.Required(props, "email.username"); err != nil {
		return nil, err
	}
	if h.password, err = jobprops.Required(props, "email.password"); err != nil {
		return nil, err
	}
	from, err := jobprops.Required(props, "email.from")
	if err != nil {
		return nil, err
	}
	if h.from, err = mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("email.from: %q: %w", from, err)
	}
	if _, err = jobprops.Required(props, "email.to"); err != nil {
		return nil, err
	}
	if h.to, err = addressList(props, "email.to"); err != nil {
		return nil, err
	}
	if h.cc, err = addressList(props, "email.cc"); err != nil {
		return nil, err
	}
	if h.bcc, err = addressList(props, "email.bcc"); err != nil {
		return nil, err
	}
	if h.useSSL, err = jobprops.Bool(props, "email.useSsl", true); err != nil {
		return nil, err
	}
	if h.debug, err = jobprops.Bool(props, "email.debug", false); err != nil {
		return nil, err
	}
	h.subject = props["email.subject"]
	if strings.TrimSpace(h.subject) == "" {
		h.subject = "ElasticJob error message"
	}
	// JavaMail separates ssl.trust hosts by whitespace; commas are accepted too.
	h.trust = strings.FieldsFunc(props["email.ssl.trust"], func(r rune) bool {
		return r == ',' || r == ' ' || r == '\t'
	})
	return h, nil
}

// addressList parses an optional comma-separated address list.
func addressList(props map[string]string, key string) ([]*mail.Address, error) {
	v := props[key]
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	list, err := mail.ParseAddressList(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %q: %w", key, v, err)
	}
	return list, nil
}

// Handle mails the error; a failure to send is logged (never with the password), not returned.
func (h *emailHandler) Handle(jobName string, err error) error {
	addr := net.JoinHostPort(h.host, strconv.Itoa(h.port))
	if sendErr := h.send(jobName, err); sendErr != nil {
		h.log.Error("email notification failed", "job", jobName, "server", addr, "error", sendErr, "cause", err)
		return nil
	}
	h.log.Info("email notification sent", "job", jobName, "server", addr, "cause", err)
	return nil
}
