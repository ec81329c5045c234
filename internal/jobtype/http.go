package jobtype

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/httpclient"
	"github.com/elasticjob-go/elasticjob/internal/jobprops"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/nodedata"
)

// Props of HTTP jobs, as ElasticJob's HttpJobProperties.
const (
	HTTPURIKey            = "http.uri"
	HTTPMethodKey         = "http.method"
	HTTPDataKey           = "http.data"
	HTTPConnectTimeoutKey = "http.connect.timeout.milliseconds"
	HTTPReadTimeoutKey    = "http.read.timeout.milliseconds"
	HTTPContentTypeKey    = "http.content.type"
)

// httpMethods are the methods Java's HttpURLConnection accepts.
var httpMethods = []string{"GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"}

// maxLoggedBody bounds how much of a response body is logged at debug level.
const maxLoggedBody = 4096

// HTTPJob sends one request per item with the item's ShardingContext JSON in the
// shardingContext header, as ElasticJob's HTTP job. Unlike ElasticJob, a response status
// of 400 or more fails the item.
type HTTPJob struct {
	url         *url.URL
	method      string
	data        string
	contentType string
	client      *http.Client
	// Log receives successful responses at debug level; HTTP sets it to slog.Default().
	Log *slog.Logger
}

// HTTP builds an HTTP job from the job props.
func HTTP(props map[string]string) (*HTTPJob, error) {
	rawURL, err := jobprops.Required(props, HTTPURIKey)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The value is not echoed: a URI may carry credentials.
		return nil, fmt.Errorf("%s: not an absolute http or https URL", HTTPURIKey)
	}
	method, err := jobprops.Required(props, HTTPMethodKey)
	if err != nil {
		return nil, err
	}
	method = strings.ToUpper(strings.TrimSpace(method))
	if !slices.Contains(httpMethods, method) {
		return nil, fmt.Errorf("%s: %q: want one of %s", HTTPMethodKey, props[HTTPMethodKey], strings.Join(httpMethods, ", "))
	}
	connect, err := jobprops.Millis(props, HTTPConnectTimeoutKey, 3000*time.Millisecond)
	if err != nil {
		return nil, err
	}
	read, err := jobprops.Millis(props, HTTPReadTimeoutKey, 5000*time.Millisecond)
	if err != nil {
		return nil, err
	}
	return &HTTPJob{
		url:         u,
		method:      method,
		data:        props[HTTPDataKey],
		contentType: props[HTTPContentTypeKey],
		client:      httpclient.New(connect, read),
		Log:         slog.Default(),
	}, nil
}

// RunItem sends the request and reads the whole response. Cancelling ctx aborts it.
func (j *HTTPJob) RunItem(ctx context.Context, sc jobapi.ShardingContext) error {
	var body io.Reader
	if j.data != "" && (j.method == "POST" || j.method == "PUT" || j.method == "DELETE") {
		body = strings.NewReader(j.data)
	}
	req, err := http.NewRequestWithContext(ctx, j.method, j.url.String(), body)
	if err != nil {
		return fmt.Errorf("http job: %s %s: %w", j.method, safeURL(j.url), err)
	}
	// Set directly, not through Header.Set, to keep ElasticJob's spelling on the wire.
	req.Header["shardingContext"] = []string{nodedata.ShardingContextJSON(sc)}
	if j.contentType != "" {
		req.Header.Set("Content-Type", j.contentType)
	}

	resp, err := j.client.Do(req)
	if err != nil {
		return fmt.Errorf("http job: %s %s: %w", j.method, safeURL(j.url), unwrapURLError(err))
	}
	defer resp.Body.Close()
	logged, err := io.ReadAll(io.LimitReader(resp.Body, maxLoggedBody))
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	if resp.StatusCode >= 400 {
		return fmt.Errorf("http job: %s %s answered %s", j.method, safeURL(j.url), resp.Status)
	}
	if err != nil {
		return fmt.Errorf("http job: %s %s: read response: %w", j.method, safeURL(j.url), err)
	}
	j.Log.Debug("http job answered", "job", sc.JobName, "item", sc.ShardingItem, "status", resp.Status, "body", string(logged))
	return nil
}

// safeURL is u without user info and query, which may carry secrets (tokens, keys).
func safeURL(u *url.URL) string {
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}).String()
}

// unwrapURLError drops *url.Error's wrapping, whose text repeats the full URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
