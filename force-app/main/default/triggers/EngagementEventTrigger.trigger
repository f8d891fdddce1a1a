trigger EngagementEventTrigger on Engagement_Event__c(after insert) {
  TriggerDispatcher.run();
}
