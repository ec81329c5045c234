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
		case OpDelete:
			reqs = append(reqs, &zk.DeleteRequest{Path: p, Version: -1})
		case OpCheck:
			reqs = append(reqs, &zk.CheckVersionRequest{Path: p, Version: -1})
		default:
			return fmt.Errorf("reg: %s: unknown transaction operation kind %d", op.Path, op.Kind)
		}
	}
	paths := make([]string, 0, len(reqs))
	paths = append(paths, "/")
	for _, op := range ops {
		paths = append(paths, op.Path)
	}
	res, err := c.conn.Multi(reqs...)
	return multiError(paths, res, err)
}

// multiError names the operation that failed a multi: it carries the real error, the others
// say they were rolled back. paths are the operations' namespace-relative paths.
func multiError(paths []string, res []zk.MultiResponse, err error) error {
	if err == nil {
		return nil
	}
	for i, r := range res {
		if isOpFailure(r.Error) && i < len(paths) {
			return pathError(paths[i], r.Error)
		}
	}
	return fmt.Errorf("reg: transaction on %s: %w", strings.Join(paths, ","), err)
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
