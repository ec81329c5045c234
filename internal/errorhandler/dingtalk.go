package errorhandler

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// dingtalkHandler is DINGTALK: a text message to a DingTalk group robot, prefixed with the
// robot's keyword and signed when the robot has a secret.
type dingtalkHandler struct {
	hook    *webhook
	keyword string
	secret  string
}

func newDingtalk(props map[string]string, log *slog.Logger) (Handler, error) {
	hook, err := newWebhook("dingtalk", props, log)
	if err != nil {
		return nil, err
	}
	return dingtalkHandler{hook: hook, keyword: props["dingtalk.keyword"], secret: props["dingtalk.secret"]}, nil
}

func (h dingtalkHandler) Handle(jobName string, err error) error {
	h.hook.notify(h.target(), jobName, h.keyword+message(jobName, fmt.Sprint(err)), err)
	return nil
}

// target is the webhook URL, with timestamp and sign appended when there is a secret:
// sign = urlencode(base64(HmacSHA256(key: secret, data: timestamp + "\n" + secret))).
func (h dingtalkHandler) target() string {
	base := h.hook.url.String()
	if h.secret == "" {
		return base
	}
	ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(h.secret))
	mac.Write([]byte(ts + "\n" + h.secret))
	sign := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	sep := "&"
	if !strings.Contains(base, "?") {
		sep = "?"
	}
	return base + sep + "timestamp=" + ts + "&sign=" + url.QueryEscape(sign)
}
