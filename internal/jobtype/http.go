package jobtype

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

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
	u, err := jobprops.HTTPURL(props, HTTPURIKey)
	if err != nil {
		return nil, err
	}
	method, err := jobprops.Required(props, HTTPMethodKey)
	if err != nil {
		return nil, err
	}
	method = strings.ToUpper(strings.TrimSpace(method))
	if !slices.Contains(httpMethods, method) {
		return nil, fmt.Errorf("%s: %q: want one of %s", HTTPMethodKey, props[HTTPMethodKey], strings.Join(httpMethods, ", "))
	}
	client, err := httpclient.FromProps(props, HTTPConnectTimeoutKey, HTTPReadTimeoutKey)
	if err != nil {
		return nil, err
	}
	return &HTTPJob{
		url:         u,
		method:      method,
		data:        props[HTTPDataKey],
		contentType: props[HTTPContentTypeKey],
		client:      client,
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
		return fmt.Errorf("http job: %s %s: %w", j.method, httpclient.SafeURL(j.url), err)
	}
	// Set directly, not through Header.Set, to keep ElasticJob's spelling on the wire.
	req.Header["shardingContext"] = []string{nodedata.ShardingContextJSON(sc)}
	if j.contentType != "" {
		req.Header.Set("Content-Type", j.contentType)
	}

	resp, err := j.client.Do(req)
	if err != nil {
		return fmt.Errorf("http job: %s %s: %w", j.method, httpclient.SafeURL(j.url), httpclient.UnwrapURLError(err))
	}
	defer resp.Body.Close()
	logged, err := io.ReadAll(io.LimitReader(resp.Body, maxLoggedBody))
	if err == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	if resp.StatusCode >= 400 {
		return fmt.Errorf("http job: %s %s answered %s", j.method, httpclient.SafeURL(j.url), resp.Status)
	}
	if err != nil {
		return fmt.Errorf("http job: %s %s: read response: %w", j.method, httpclient.SafeURL(j.url), err)
	}
	j.Log.Debug("http job answered", "job", sc.JobName, "item", sc.ShardingItem, "status", resp.Status, "body", string(logged))
	return nil
}
