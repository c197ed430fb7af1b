/**
 * Ready-made {@link dev.agentorchestrator.spi.StateStore} implementations.
 *
 * <p>The default keeps JSON files in the repository's common git directory; {@link
 * dev.agentorchestrator.store.StateStores#jsonFiles(java.nio.file.Path)} builds one directly, and
 * {@link dev.agentorchestrator.store.JsonFileStateStoreProvider} makes it the store that
 * {@link java.util.ServiceLoader} finds.
 */
package dev.agentorchestrator.store;
