// Package nl is gonm's small rtnetlink transport: sockets on
// golang.org/x/sys/unix, request encoding, allocation-free message and
// attribute walking, acknowledgements with the kernel's extended error
// text, dumps that report NLM_F_DUMP_INTR, and batched receives
// (recvmmsg) that surface ENOBUFS instead of hiding it. It knows nothing
// about links, addresses or routes; internal/platform builds those on top
// and is the only package that imports this one. It calls only the kernel.
package nl
