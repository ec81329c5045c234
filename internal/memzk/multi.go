package memzk

import (
	"fmt"

	"github.com/go-zookeeper/zk"
)

// Multi runs *zk.CreateRequest, *zk.DeleteRequest, *zk.SetDataRequest and *zk.CheckVersionRequest
// atomically, in one write (one zxid, even when it fails), and answers as go-zookeeper does with a
// real server (observed):
//   - success: one response per op, String the created path for a create, Stat the new stat for
//     a set, nothing for a delete or check; error nil; watches fire in op order.
//   - failure: nothing is changed and no watch fires; every response has only an Error: nil for
//     the ops before the failing one, its error for it, and "unknown error: -2" (ZooKeeper's
//     RuntimeInconsistency, which the client has no value for) for the ops after it; the error
//     returned is the failing op's.
//   - a create with zk.FlagContainer makes a container, but the server answers it with an op type
//     the client cannot decode: the multi is committed, yet the client returns the responses
//     before that op only, and zk.ErrAPIError.
//
// Paths and flags are not checked by the client here; the server answers a bad path or an
// unknown flag with zk.ErrBadArguments (or zk.ErrNoNode where a lookup fails first), and a TTL
// flag with "unknown error: -5" and no responses.
func (c *Conn) Multi(ops ...interface{}) ([]zk.MultiResponse, error) {
	for _, op := range ops {
		switch op.(type) {
		case *zk.CreateRequest, *zk.DeleteRequest, *zk.SetDataRequest, *zk.CheckVersionRequest:
		default:
			return nil, fmt.Errorf("unknown operation type %T", op)
		}
	}
	var res []zk.MultiResponse
	err := c.do(func() (err error) {
		res, err = c.srv.multi(c.sess, ops)
		return err
	})
	if err == zk.ErrConnectionClosed {
		return nil, err
	}
	if res == nil {
		res = []zk.MultiResponse{}
	}
	return res, err
}

func (s *Server) multi(sess *session, ops []interface{}) ([]zk.MultiResponse, error) {
	for _, op := range ops {
		if op, ok := op.(*zk.CreateRequest); ok {
			if mode, err := parseCreateMode(op.Flags); err == nil && mode.ttl {
				// A TTL create needs a TTL, which a CreateRequest lacks: the server cannot read
				// the request and answers ZooKeeper's MarshallingError (-5) for the whole multi.
				return nil, fmt.Errorf("unknown error: %v", -5)
			}
		}
	}
	t := s.begin()
	res := make([]zk.MultiResponse, len(ops))
	undecodable := -1
	for i, op := range ops {
		var err error
		switch op := op.(type) {
		case *zk.CreateRequest:
			var mode createMode
			if mode, err = parseCreateMode(op.Flags); err != nil {
				err = zk.ErrBadArguments
				break
			}
			res[i].String, err = t.create(sess, op.Path, op.Data, op.Acl, mode)
			if mode.container && undecodable < 0 {
				undecodable = i
			}
		case *zk.DeleteRequest:
			err = t.delete(op.Path, op.Version)
		case *zk.SetDataRequest:
			res[i].Stat, err = t.setData(op.Path, op.Data, op.Version)
		case *zk.CheckVersionRequest:
			err = t.check(op.Path, op.Version)
		}
		if err != nil {
			s.rollback(t)
			return failedMulti(len(ops), i, err), err
		}
	}
	s.commit(t)
	if undecodable >= 0 {
		return append([]zk.MultiResponse{}, res[:undecodable]...), zk.ErrAPIError
	}
	return res, nil
}

func failedMulti(n, failed int, err error) []zk.MultiResponse {
	res := make([]zk.MultiResponse, n)
	res[failed].Error = err
	for i := failed + 1; i < n; i++ {
		res[i].Error = fmt.Errorf("unknown error: %v", -2)
	}
	return res
}
