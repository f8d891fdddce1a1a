trigger EngagementEventTrigger on Engagement_Event__c(before insert, after insert) {
  TriggerDispatcher.run();
}
