package errorhandler

import (
	"fmt"
	"log/slog"
)

// wechatHandler is WECHAT: a text message to a WeChat Work group robot.
type wechatHandler struct{ hook *webhook }

func newWechat(props map[string]string, log *slog.Logger) (Handler, error) {
	hook, err := newWebhook("wechat", props, log)
	if err != nil {
		return nil, err
	}
	return wechatHandler{hook}, nil
}

func (h wechatHandler) Handle(jobName string, err error) error {
	h.hook.notify(h.hook.url.String(), jobName, message(jobName, fmt.Sprint(err)), err)
	return nil
}
