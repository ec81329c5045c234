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
	u, err := jobprops.HTTPURL(props, kind+".webhook")
	if err != nil {
		return nil, err
	}
	client, err := httpclient.FromProps(props, kind+".connectTimeoutMilliseconds", kind+".readTimeoutMilliseconds")
	if err != nil {
		return nil, err
	}
	return &webhook{kind: kind, url: u, client: client, log: log}, nil
}

// notify posts content to target (the webhook URL, possibly signed) and logs the outcome,
// with the job's error as cause. The URL's query, which holds the robot's key, is never logged.
func (w *webhook) notify(target, jobName, content string, cause error) {
	if err := w.post(target, content); err != nil {
		w.log.Error(w.kind+" notification failed", "job", jobName, "webhook", httpclient.SafeURL(w.url), "error", err, "cause", cause)
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
		return httpclient.UnwrapURLError(err) // *url.Error repeats the URL, key included
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
