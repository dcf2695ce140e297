package dev.loomcookbook.recipes;

import dev.loomcookbook.executors.BoundedMap;
import dev.loomcookbook.executors.CompletionOrder;
import dev.loomcookbook.executors.ExecutorMap;
import dev.loomcookbook.executors.FutureOutcome;
import dev.loomcookbook.executors.PoolInitializer;
import dev.loomcookbook.executors.ShutdownCancelFutures;
import dev.loomcookbook.executors.WaitModes;
import dev.loomcookbook.patterns.HedgedRequest;
import dev.loomcookbook.patterns.LimitedCrawler;
import dev.loomcookbook.patterns.RateLimitedRequests;
import dev.loomcookbook.patterns.RetryWithBackoff;
import dev.loomcookbook.patterns.StepDeadlines;
import dev.loomcookbook.patterns.ThreeStagePipeline;
import dev.loomcookbook.queues.LifoOrder;
import dev.loomcookbook.queues.NoWait;
import dev.loomcookbook.queues.PriorityOrder;
import dev.loomcookbook.queues.ProducerConsumer;
import dev.loomcookbook.queues.QueueShutdown;
import dev.loomcookbook.queues.TaskDoneJoin;
import dev.loomcookbook.subprocess.CommunicateInput;
import dev.loomcookbook.subprocess.ExecStreams;
import dev.loomcookbook.subprocess.KillOnTimeout;
import dev.loomcookbook.subprocess.ShellOrExec;
import dev.loomcookbook.sync.BlockingCalls;
import dev.loomcookbook.sync.LockedCounter;
import dev.loomcookbook.sync.OverRelease;
import dev.loomcookbook.sync.PhaseBarrier;
import dev.loomcookbook.sync.SemaphoreLimit;
import dev.loomcookbook.sync.StartSignal;
import dev.loomcookbook.sync.WaitForItems;
import dev.loomcookbook.sync.YieldToOthers;
import dev.loomcookbook.tasks.AsCompleted;
import dev.loomcookbook.tasks.AsCompletedTasks;
import dev.loomcookbook.tasks.Cancel;
import dev.loomcookbook.tasks.CancelFromOutside;
import dev.loomcookbook.tasks.CancelInGroup;
import dev.loomcookbook.tasks.CancelMessage;
import dev.loomcookbook.tasks.ContextVars;
import dev.loomcookbook.tasks.CreateTask;
import dev.loomcookbook.tasks.CtrlC;
import dev.loomcookbook.tasks.CurrentTask;
import dev.loomcookbook.tasks.Gather;
import dev.loomcookbook.tasks.GatherReturnExceptions;
import dev.loomcookbook.tasks.NeverAwaited;
import dev.loomcookbook.tasks.NeverRetrieved;
import dev.loomcookbook.tasks.Shield;
import dev.loomcookbook.tasks.TaskGroup;
import dev.loomcookbook.tasks.TaskGroupCancel;
import dev.loomcookbook.tasks.ThreeTasks;
import dev.loomcookbook.tasks.WaitAllCompleted;
import dev.loomcookbook.tasks.WaitFirstCompleted;
import dev.loomcookbook.tasks.WaitFor;
import java.util.List;
import java.util.Optional;

/**
 * Every recipe, in sections ordered as Python's documentation orders its modules: the table of
 * contents that {@code recipes} prints and the tests walk.
 */
public final class Recipes {

    /** A section: a Python module or topic and its recipes. */
    public record Section(String title, List<Recipe> recipes) {
        public Section {
            recipes = List.copyOf(recipes);
        }
    }

    // One section per Python module or topic, in the README's order; a section with no recipe
    // yet is not listed.
    private static final List<Section> SECTIONS = List.of(
            new Section("asyncio tasks", List.of(
                    CreateTask.RECIPE,
                    ThreeTasks.RECIPE,
                    Gather.RECIPE,
                    GatherReturnExceptions.RECIPE,
                    WaitFirstCompleted.RECIPE,
                    WaitAllCompleted.RECIPE,
                    AsCompleted.RECIPE,
                    AsCompletedTasks.RECIPE,
                    TaskGroup.RECIPE,
                    CurrentTask.RECIPE,
                    NeverRetrieved.RECIPE,
                    NeverAwaited.RECIPE)),
            new Section("timeouts and cancellation", List.of(
                    WaitFor.RECIPE,
                    Cancel.RECIPE,
                    CancelMessage.RECIPE,
                    CancelInGroup.RECIPE,
                    TaskGroupCancel.RECIPE,
                    CancelFromOutside.RECIPE,
                    Shield.RECIPE,
                    CtrlC.RECIPE)),
            new Section("context variables", List.of(
                    ContextVars.RECIPE)),
            new Section("synchronization", List.of(
                    LockedCounter.RECIPE,
                    StartSignal.RECIPE,
                    WaitForItems.RECIPE,
                    SemaphoreLimit.RECIPE,
                    OverRelease.RECIPE,
                    PhaseBarrier.RECIPE,
                    YieldToOthers.RECIPE,
                    BlockingCalls.RECIPE)),
            new Section("queues", List.of(
                    ProducerConsumer.RECIPE,
                    TaskDoneJoin.RECIPE,
                    QueueShutdown.RECIPE,
                    PriorityOrder.RECIPE,
                    LifoOrder.RECIPE,
                    NoWait.RECIPE)),
            new Section("streams", List.of()),
            new Section("subprocesses", List.of(
                    ExecStreams.RECIPE,
                    CommunicateInput.RECIPE,
                    KillOnTimeout.RECIPE,
                    ShellOrExec.RECIPE)),
            new Section("the event loop", List.of()),
            new Section("futures", List.of()),
            new Section("concurrent.futures", List.of(
                    ExecutorMap.RECIPE,
                    BoundedMap.RECIPE,
                    CompletionOrder.RECIPE,
                    WaitModes.RECIPE,
                    FutureOutcome.RECIPE,
                    PoolInitializer.RECIPE,
                    ShutdownCancelFutures.RECIPE)),
            new Section("patterns", List.of(
                    LimitedCrawler.RECIPE,
                    RetryWithBackoff.RECIPE,
                    RateLimitedRequests.RECIPE,
                    ThreeStagePipeline.RECIPE,
                    HedgedRequest.RECIPE,
                    StepDeadlines.RECIPE)));

    private Recipes() {}

    /** The sections that have recipes, in order. */
    public static List<Section> sections() {
        return SECTIONS.stream().filter(s -> !s.recipes().isEmpty()).toList();
    }

    /** Every recipe, in section order. */
    public static List<Recipe> all() {
        return SECTIONS.stream().flatMap(s -> s.recipes().stream()).toList();
    }

    /** The recipe called {@code name}, if there is one. */
    public static Optional<Recipe> named(String name) {
        return all().stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
