package nmcli

import (
	"github.com/gonm/gonm/internal/client"
	"github.com/gonm/gonm/internal/loop"
)

// objectOp tracks the objects a command acts on together: devices to
// disconnect or delete, active connections to take down, profiles to
// delete. nmcli reports each object as it finishes and quits once the last
// one is done or the command's timeout fires; the commands share that
// bookkeeping here.
type objectOp struct {
	a       *App
	pending []*client.Object
	// timer is the command's timeout, if it has one.
	timer *loop.Timer
	// unsub ends the command's subscription to the client's events, if any.
	unsub    func()
	finished bool
}

func (op *objectOp) add(o *client.Object) { op.pending = append(op.pending, o) }

// has reports whether o is still waited for.
func (op *objectOp) has(o *client.Object) bool {
	for _, p := range op.pending {
		if p == o {
			return true
		}
	}
	return false
}

// done removes o (everything, with nil) and quits when nothing is left.
// Objects not waited for are ignored.
func (op *objectOp) done(o *client.Object) {
	if op.finished {
		return
	}
	if o != nil {
		i := -1
		for k, p := range op.pending {
			if p == o {
				i = k
			}
		}
		if i < 0 {
			return
		}
		op.pending = append(op.pending[:i], op.pending[i+1:]...)
		if len(op.pending) > 0 {
			return
		}
	}
	op.finished = true
	if op.timer != nil {
		op.timer.Stop()
	}
	if op.unsub != nil {
		op.unsub()
	}
	op.a.quitWithProgress()
}
