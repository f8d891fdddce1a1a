trigger LeadTrigger on Lead(
  before insert,
  after insert,
  before update,
  after update,
  after delete,
  after undelete
) {
  TriggerDispatcher.run();
}
