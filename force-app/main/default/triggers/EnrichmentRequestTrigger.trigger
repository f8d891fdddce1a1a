// The Enrichment_Request__e subscriber: runs as the integration user of its PlatformEventSubscriberConfig
// (unpackaged/enrichment-subscriber), so the EnrichmentJob it enqueues calls the providers as that user. Not a
// TriggerDispatcher path: a platform event is not a record save (one context, after insert), and a bypass permission
// would drop the event instead of skipping a save.
trigger EnrichmentRequestTrigger on Enrichment_Request__e(after insert) {
  EnrichmentService.enqueueRequested(Trigger.new);
}
