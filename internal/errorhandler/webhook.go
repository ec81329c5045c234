package errorhandler

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/httpclient"
	"github.com/elasticjob-go/elasticjob/internal/jobprops"
)

// webhook posts text messages to a chat robot (WeChat Work, DingTalk) that answers
// {"errcode":0,...} on success.
type webhook struct {
	kind   string // "wechat" or "dingtalk", for the log
	url    *url.URL
	client *http.Client
	log    *slog.Logger
}

// newWebhook reads the webhook URL and the two timeouts under prefix (wechat., dingtalk.).
func newWebhook(kind string, props map[string]string, log *slog.Logger) (*webhook, error) {
	key := kind + ".webhook"
	raw, err := jobprops.Required(props, key)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The value is not echoed: its query holds the robot's key.
		return nil, fmt.Errorf("%s: not an absolute http or https URL", key)
	}
	connect, err := jobprops.Millis(props, kind+".connectTimeoutMilliseconds", 3000*time.Millisecond)
	if err != nil {
		return nil, err
	}
	read, err := jobprops.Millis(props, kind+".readTimeoutMilliseconds", 5000*time.Millisecond)
	if err != nil {
		return nil, err
	}
	return &webhook{kind: kind, url: u, client: httpclient.New(connect, read), log: log}, nil
}

// notify posts content to target (the webhook URL, possibly signed) and logs the outcome,
// with the job's error as cause. The URL's query, which holds the robot's key, is never logged.
func (w *webhook) notify(target, jobName, content string, cause error) {
	if err := w.post(target, content); err != nil {
		w.log.Error(w.kind+" notification failed", "job", jobName, "webhook", w.safeURL(), "error", err, "cause", cause)
		return
	}
	w.log.Info(w.kind+" notification sent", "job", jobName, "cause", cause)
}

func (w *webhook) post(target, content string) error {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false) // as Gson's JsonObject.toString
	msg := struct {
		MsgType string `json:"msgtype"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
	}{MsgType: "text"}
	msg.Text.Content = content
	if err := enc.Encode(msg); err != nil {
		return err
	}
	body.Truncate(body.Len() - 1) // Encode's newline

	resp, err := w.client.Post(target, "application/json; charset=utf-8", &body)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // *url.Error repeats the URL, key included
		}
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("answered %s", resp.Status)
	}
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	var answer struct {
		ErrCode json.RawMessage `json:"errcode"`
		ErrMsg  string          `json:"errmsg"`
	}
	if err := json.Unmarshal(data, &answer); err != nil {
		return fmt.Errorf("answer is not JSON: %w", err)
	}
	if len(answer.ErrCode) == 0 {
		return errors.New("answer has no errcode")
	}
	// errcode is a number; accept it as a string too, as Java's getAsString does.
	if code := strings.Trim(string(answer.ErrCode), `"`); code != "0" {
		return fmt.Errorf("errcode %s: %s", code, answer.ErrMsg)
	}
	return nil
}

// safeURL is the webhook without its query (the key) and user info.
func (w *webhook) safeURL() string {
	return (&url.URL{Scheme: w.url.Scheme, Host: w.url.Host, Path: w.url.Path, RawPath: w.url.RawPath}).String()
}
