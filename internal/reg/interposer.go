package reg

import "github.com/go-zookeeper/zk"

// interposer stands between a Center and its connection: tests count the requests the Center
// sends and the watch events it receives with it. A nil interposer changes nothing.
type interposer struct {
	wrap  func(Conn) Conn
	event func(zk.Event) // sees every event before the Center does
}

func (ip *interposer) conn(c Conn) Conn {
	if ip == nil || ip.wrap == nil {
		return c
	}
	return ip.wrap(c)
}

func (ip *interposer) onEvent(next func(zk.Event)) func(zk.Event) {
	if ip == nil || ip.event == nil {
		return next
	}
	return func(ev zk.Event) {
		ip.event(ev)
		next(ev)
	}
}
