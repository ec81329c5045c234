package memzk_test

import (
	"github.com/elasticjob-go/elasticjob/internal/memzk"
	"github.com/elasticjob-go/elasticjob/internal/reg"
)

// The registry center runs on *memzk.Conn exactly as on *zk.Conn.
var _ reg.Conn = (*memzk.Conn)(nil)
