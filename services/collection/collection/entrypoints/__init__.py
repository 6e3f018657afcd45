"""The RPC entrypoints of the collection service, grouped by part of stage 1 as mixins;
`collection.service.CollectionService` combines them with the dependencies they use."""
