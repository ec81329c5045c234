package httpclient

import (
	"net/http"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/jobprops"
)

// FromProps returns a client with the connect and read timeouts of the props connectKey and
// readKey, in milliseconds; absent, they are Java's defaults of 3000 and 5000.
func FromProps(props map[string]string, connectKey, readKey string) (*http.Client, error) {
	connect, err := jobprops.Millis(props, connectKey, 3000*time.Millisecond)
	if err != nil {
		return nil, err
	}
	read, err := jobprops.Millis(props, readKey, 5000*time.Millisecond)
	if err != nil {
		return nil, err
	}
	return New(connect, read), nil
}
