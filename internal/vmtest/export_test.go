package vmtest

// AcquireSlotForTest lets the external tests check that slots are given
// back.
var AcquireSlotForTest = acquireSlot
