package reg

import (
	"fmt"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
)

// Requests counts every request the Center sends, as many as go through the connection
// (counted apart by the test's interposer), a transaction as one.
func testRequestsCounted(t *testing.T, b backend) {
	counter := newRequestCounter()
	c := b.openNSVia(t, testConfig(t), counter.interposer())
	sent := func() int64 {
		n, _ := counter.snapshot()
		total := 0
		for kind, k := range n {
			if kind != "watch event" {
				total += k
			}
		}
		return int64(total)
	}
	before := c.Requests()
	if before != sent() {
		t.Fatalf("after connecting: Requests() = %d, the connection saw %d", before, sent())
	}
	must(t, c.Persist("/job/config", "a"))
	must(t, c.Txn(Op{Kind: OpCreate, Path: "/job/a", Value: "1"}, Op{Kind: OpCreate, Path: "/job/b", Value: "2"}))
	if _, err := c.Get("/job/a"); err != nil {
		t.Fatal(err)
	}
	if got := c.Requests(); got != sent() || got <= before+2 {
		t.Fatalf("Requests() = %d, the connection saw %d (%d before)", got, sent(), before)
	}
	n, _ := counter.snapshot()
	if n["Multi"] != 1 {
		t.Fatalf("requests by kind %v: want the transaction as one Multi", n)
	}
}

// Connected is true while the Center has a session and a connection: false from Suspended and
// Lost, true again at NewSession (it already holds when the listeners hear of each state).
func testConnectedFollowsStates(t *testing.T, b backend) {
	cfg := testConfig(t)
	cfg.SessionTimeout = time.Second
	c, l := b.openFaulty(t, cfg)
	if !c.Connected() {
		t.Fatal("Connected() is false once connected")
	}
	seen := newRecorder[string]()
	c.OnState(func(s State) { seen.add(fmt.Sprintf("%v connected=%v", s, c.Connected())) })
	l.Expire()
	seen.expect(t, "SUSPENDED connected=false", "LOST connected=false", "NEW_SESSION connected=true")
	must(t, c.Close())
	if c.Connected() {
		t.Fatal("Connected() is true after Close")
	}
}

// zkConn is the go-zookeeper connection under a Center on ZooKeeper (under its request count).
func zkConn(c *Center) *zk.Conn { return c.conn.(sentCounter).Conn.(*zk.Conn) }
