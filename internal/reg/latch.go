package reg

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/javastr"
	"github.com/go-zookeeper/zk"
	"github.com/google/uuid"
)

// latchRetry is the pause before retrying a lock request that failed with a connection loss.
const latchRetry = 100 * time.Millisecond

// Lock takes the lock at latchPath with Curator's LeaderLatch protocol, so that Go and Java
// instances exclude each other. It returns when held or when ctx ends; unlock releases it.
//
// Protocol: an EPHEMERAL_SEQUENTIAL child "_c_{uuid}-latch-{seq}" of latchPath with empty data
// (missing parents are containers); the child with the lowest sequence holds the lock; the others
// watch their immediate predecessor. If the session is lost while waiting, Lock fails with
// ErrSessionLost; once held, the lock is lost with the session (StateLost) and unlock stays safe.
// unlock deletes our node, retrying in the background while the connection is down.
func (c *Center) Lock(ctx context.Context, latchPath string) (unlock func(), err error) {
	return c.lock(ctx, c.abs(latchPath), latchPath)
}

// LockOutsideNamespace is Lock at an absolute ZooKeeper path, for a lock that belongs to no job
// (every child of the namespace root is taken for a job by ElasticJob's tools).
func (c *Center) LockOutsideNamespace(ctx context.Context, zkPath string) (unlock func(), err error) {
	return c.lock(ctx, zkPath, zkPath)
}

func (c *Center) lock(ctx context.Context, parent, latchPath string) (unlock func(), err error) {
	if err := ctx.Err(); err != nil {
		return nil, pathError(latchPath, err)
	}
	lost := c.lostChan()
	session := c.conn.SessionID()
	ours, err := c.createLatchNode(ctx, parent, "_c_"+uuid.NewString()+"-latch-", lost)
	if err != nil {
		return nil, pathError(latchPath, err)
	}
	var once sync.Once
	unlock = func() { once.Do(func() { c.deleteLatchNode(ours) }) }
	name := ours[strings.LastIndexByte(ours, '/')+1:]
	for {
		children, _, err := c.conn.Children(parent)
		if errors.Is(err, zk.ErrNoNode) {
			children, err = nil, nil
		}
		if errors.Is(err, zk.ErrSessionExpired) {
			err = ErrSessionLost
		}
		if err == nil {
			sortLatch(children)
			i := slices.Index(children, name)
			if i < 0 { // our ephemeral node is gone: so is the session that created it
				unlock()
				return nil, pathError(latchPath, ErrSessionLost)
			}
			if i == 0 {
				return unlock, nil
			}
			err = c.awaitDeletion(ctx, parent+"/"+children[i-1], lost, session)
			if err == nil {
				continue
			}
		}
		if !isConnLoss(err) {
			unlock()
			return nil, pathError(latchPath, err)
		}
		if err := pause(ctx, lost, c.done); err != nil {
			unlock()
			return nil, pathError(latchPath, err)
		}
	}
}

// createLatchNode creates our node in Curator's protected mode: after a create failed with the
// connection it may have happened anyway, so our uuid is looked for among the children before
// anything is created again; if we give up meanwhile, a found node is deleted in the background.
func (c *Center) createLatchNode(ctx context.Context, parent, prefix string, lost chan struct{}) (string, error) {
	maybeCreated := false
	for {
		if maybeCreated {
			name, err := c.findProtected(parent, prefix)
			switch {
			case err == nil && name != "":
				return parent + "/" + name, nil
			case err == nil || errors.Is(err, zk.ErrSessionExpired): // not there, or gone with its session
				maybeCreated = false
			case !isConnLoss(err):
				return "", err
			}
		}
		if !maybeCreated {
			created, err := c.conn.Create(parent+"/"+prefix, nodeData(""), zk.FlagEphemeralSequential, c.acl)
			switch {
			case err == nil:
				return created, nil
			case errors.Is(err, zk.ErrNoNode): // parents missing, or a container reaped under us
				err := c.createParents(parent+"/"+prefix, true)
				if err == nil || errors.Is(err, zk.ErrNoNode) {
					continue
				}
				if !isConnLoss(err) {
					return "", err
				}
			case isConnLoss(err):
				maybeCreated = true
			case !errors.Is(err, zk.ErrSessionExpired):
				return "", err
			}
		}
		if err := pause(ctx, lost, c.done); err != nil {
			if maybeCreated {
				c.inBackground(func() bool {
					name, err := c.findProtected(parent, prefix)
					if err == nil && name != "" {
						err = c.conn.Delete(parent+"/"+name, -1)
					}
					return isConnLoss(err)
				})
			}
			return "", err
		}
	}
}

// findProtected returns the name of the child of parent that starts with prefix, or "".
func (c *Center) findProtected(parent, prefix string) (string, error) {
	children, _, err := c.conn.Children(parent)
	if errors.Is(err, zk.ErrNoNode) {
		return "", nil
	}
	for _, name := range children {
		if strings.HasPrefix(name, prefix) {
			return name, nil
		}
	}
	return "", err
}

// awaitDeletion waits until the node at path is deleted (nil at once if it is already gone).
// session is the one our latch node was created in: go-zookeeper sends a request queued while
// that session expired in the session that replaces it, where the watch would wait for a
// predecessor that nothing ties to our (gone) node any more.
func (c *Center) awaitDeletion(ctx context.Context, path string, lost chan struct{}, session int64) error {
	wake := make(chan struct{}, 1)
	c.mu.Lock()
	c.waiters[path] = append(c.waiters[path], wake)
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		list := slices.DeleteFunc(slices.Clone(c.waiters[path]), func(w chan struct{}) bool { return w == wake })
		if len(list) == 0 {
			delete(c.waiters, path)
		} else {
			c.waiters[path] = list
		}
	}()
	_, _, _, err := c.conn.GetW(path) // a data watch: it fires on deletion, as Curator's getData
	if errors.Is(err, zk.ErrNoNode) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.conn.SessionID() != session {
		return ErrSessionLost
	}
	select {
	case <-wake: // deleted, or changed: either way the caller looks again
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-lost:
		return ErrSessionLost
	case <-c.done:
		return ErrClosed
	}
}

func pause(ctx context.Context, lost, done chan struct{}) error {
	t := time.NewTimer(latchRetry)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-lost:
		return ErrSessionLost
	case <-done:
		return ErrClosed
	}
}

// deleteLatchNode is Curator's guaranteed delete: a connection loss does not leave our node
// behind while the session lives.
func (c *Center) deleteLatchNode(path string) {
	c.inBackground(func() bool { return isConnLoss(c.conn.Delete(path, -1)) })
}

// inBackground runs attempt, and while it reports a connection loss retries it on a goroutine
// until it succeeds, fails otherwise (a lost session takes its ephemeral nodes along) or the
// Center is closed.
func (c *Center) inBackground(attempt func() (retry bool)) {
	if !attempt() {
		return
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closing {
		return
	}
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		t := time.NewTimer(latchRetry)
		defer t.Stop()
		for {
			select {
			case <-t.C:
			case <-c.done:
				return
			}
			if !attempt() {
				return
			}
			t.Reset(latchRetry)
		}
	}()
}

// sortLatch orders latch children by what follows the last "latch-": their sequence number
// (Curator's StandardLockInternalsDriver.standardFixForSorting), in Java string order.
func sortLatch(children []string) {
	key := func(s string) string {
		if i := strings.LastIndex(s, "latch-"); i >= 0 {
			return s[i+len("latch-"):]
		}
		return s
	}
	slices.SortStableFunc(children, func(a, b string) int { return javastr.Compare(key(a), key(b)) })
}
