package reg

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-zookeeper/zk"
)

// Txn runs ops atomically, preceded by a check that the namespace root exists, as ElasticJob's
// executeInTransaction does. The error names the path of the operation that failed.
func (c *Center) Txn(ops ...Op) error {
	_, err := c.txn(ops)
	return err
}

// txn is Txn that also says which of ops failed it (-1: the check of the namespace root, or
// no single operation).
func (c *Center) txn(ops []Op) (failed int, err error) {
	reqs := make([]interface{}, 0, len(ops)+1)
	reqs = append(reqs, &zk.CheckVersionRequest{Path: c.abs("/"), Version: -1})
	for _, op := range ops {
		p := c.abs(op.Path)
		switch op.Kind {
		case OpCreate:
			reqs = append(reqs, &zk.CreateRequest{Path: p, Data: nodeData(op.Value), Acl: c.acl})
		case OpCreateEphemeral:
			reqs = append(reqs, &zk.CreateRequest{Path: p, Data: nodeData(op.Value), Acl: c.acl, Flags: zk.FlagEphemeral})
		case OpUpdate:
			reqs = append(reqs, &zk.SetDataRequest{Path: p, Data: nodeData(op.Value), Version: -1})
		case OpUpdateVersion:
			reqs = append(reqs, &zk.SetDataRequest{Path: p, Data: nodeData(op.Value), Version: op.Version})
		case OpDelete:
			reqs = append(reqs, &zk.DeleteRequest{Path: p, Version: -1})
		case OpDeleteVersion:
			reqs = append(reqs, &zk.DeleteRequest{Path: p, Version: op.Version})
		case OpCheck:
			reqs = append(reqs, &zk.CheckVersionRequest{Path: p, Version: -1})
		default:
			return -1, fmt.Errorf("reg: %s: unknown transaction operation kind %d", op.Path, op.Kind)
		}
	}
	paths := make([]string, 0, len(reqs))
	paths = append(paths, "/")
	for _, op := range ops {
		paths = append(paths, op.Path)
	}
	res, err := c.conn.Multi(reqs...)
	i, err := multiError(paths, res, err)
	return i - 1, err // paths[0] is the root's check
}

// multiError names the operation that failed a multi, and gives its index in paths: it carries
// the real error, the others say they were rolled back (-1: none does). paths are the
// operations' namespace-relative paths.
func multiError(paths []string, res []zk.MultiResponse, err error) (int, error) {
	if err == nil {
		return -1, nil
	}
	for i, r := range res {
		if isOpFailure(r.Error) && i < len(paths) {
			return i, pathError(paths[i], r.Error)
		}
	}
	return -1, fmt.Errorf("reg: transaction on %s: %w", summary(paths), err)
}

// summary names the paths of a transaction, or for a large one the first few and how many
// more: an error (and the log line carrying it) stays short whatever the transaction.
func summary(paths []string) string {
	const named = 4
	if len(paths) <= named {
		return strings.Join(paths, ",")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(paths[:named], ","), len(paths)-named)
}

// MaxRequestBytes is the largest request a ZooKeeper server accepts by default (its
// jute.maxbuffer, 0xfffff bytes): a larger transaction is refused whole.
const MaxRequestBytes = 0xfffff

// TxnBytes is the size of the request Txn sends for ops (what the server checks against
// jute.maxbuffer): its length prefix and header, the multi's operation headers and bodies, and
// the check of the namespace root.
func (c *Center) TxnBytes(ops ...Op) int {
	str := func(s string) int { return 4 + len(s) }
	acl := 4
	for _, a := range c.acl {
		acl += 4 + str(a.Scheme) + str(a.ID)
	}
	const opHeader = 4 + 1 + 4 // type, done, err
	n := 4 + 4 + 4             // length, xid, opcode
	n += opHeader + str(c.abs("/")) + 4
	for _, op := range ops {
		p := str(c.abs(op.Path))
		switch op.Kind {
		case OpCreate, OpCreateEphemeral:
			n += opHeader + p + str(op.Value) + acl + 4
		case OpUpdate, OpUpdateVersion:
			n += opHeader + p + str(op.Value) + 4
		default: // deletes and checks: path and version
			n += opHeader + p + 4
		}
	}
	return n + opHeader // the closing header
}

// isOpFailure tells the error of the operation that failed a multi from the "rolled back" result
// code (-2, runtime inconsistency) the server gives the operations after it.
func isOpFailure(err error) bool {
	for _, e := range []error{zk.ErrNoNode, zk.ErrNodeExists, zk.ErrNotEmpty, zk.ErrBadVersion,
		zk.ErrNoChildrenForEphemerals, zk.ErrNoAuth, zk.ErrInvalidACL} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
