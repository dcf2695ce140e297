package dev.loomcookbook.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Proves that {@link LeakCheckExtension} is registered for every test class and fails a test that
 * leaves a thread or a child process behind: leaking fixtures run through the JUnit Platform
 * launcher from inside this test, and their results are read back.
 */
class LeakCheckExtensionTest {

    /** Released after each run so that every fixture's leaked thread or process ends. */
    static volatile CountDownLatch release = new CountDownLatch(1);
    static volatile Thread leakedThread;
    static volatile Process leakedProcess;

    @AfterEach
    void cleanUp() throws Exception {
        release.countDown();
        if (leakedThread != null) {
            leakedThread.join();
        }
        if (leakedProcess != null) {
            leakedProcess.destroyForcibly().waitFor();
        }
        leakedThread = null;
        leakedProcess = null;
        release = new CountDownLatch(1);
    }

    /** A test that leaves a platform thread running is reported as failed, naming the thread. */
    @Test
    void leakedPlatformThreadFailsTheTest() {
        Outcome outcome = runFixture("leakPlatformThread");
        assertThat(outcome.status()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(outcome.message()).contains("leaked threads still running")
                .contains("leaky-platform");
    }

    /** A test that leaves a virtual thread running is reported as failed, naming the thread. */
    @Test
    void leakedVirtualThreadFailsTheTest() {
        Outcome outcome = runFixture("leakVirtualThread");
        assertThat(outcome.status()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(outcome.message()).contains("leaky-virtual").contains("virtual");
    }

    /** A test that leaves a child process running is reported as failed. */
    @Test
    void leakedChildProcessFailsTheTest() {
        Outcome outcome = runFixture("leakChildProcess");
        assertThat(outcome.status()).isEqualTo(TestExecutionResult.Status.FAILED);
        assertThat(outcome.message()).contains("child processes still running");
    }

    /** A test whose threads have all ended passes: the check does not fail tidy tests. */
    @Test
    void tidyTestPasses() {
        Outcome outcome = runFixture("joinsItsThreads");
        assertThat(outcome.status()).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
    }

    private record Outcome(TestExecutionResult.Status status, String message) {}

    private static Outcome runFixture(String method) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(LeakingFixtures.class, method))
                .configurationParameter(LeakingFixtures.ENABLED, "true")
                .configurationParameter(LeakCheckExtension.GRACE_MILLIS, "300")
                .build();
        Launcher launcher = LauncherFactory.create();
        List<Outcome> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    outcomes.add(new Outcome(result.getStatus(),
                            result.getThrowable().map(Throwable::getMessage).orElse("")));
                }
            }
        });
        assertThat(outcomes).as("the fixture ran exactly once").hasSize(1);
        return outcomes.getFirst();
    }

    /** Runs the fixtures only when launched by the test above, never in the normal test run. */
    static final class OnlyWhenLaunchedByTheMetaTest implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(LeakingFixtures.ENABLED).isPresent()
                    ? ConditionEvaluationResult.enabled("launched by LeakCheckExtensionTest")
                    : ConditionEvaluationResult.disabled("a fixture for LeakCheckExtensionTest");
        }
    }

    /** Tests that misbehave on purpose; each blocks on {@link #release} until cleaned up. */
    @ExtendWith(OnlyWhenLaunchedByTheMetaTest.class)
    static class LeakingFixtures {
        static final String ENABLED = "loomcookbook.leakcheck.fixtures";

        /** Leaves a platform thread running: the extension must fail it. */
        @Test
        void leakPlatformThread() {
            leakedThread =
                    Thread.ofPlatform().name("leaky-platform").start(LeakingFixtures::awaitRelease);
        }

        /** Leaves a virtual thread running: the extension must fail it. */
        @Test
        void leakVirtualThread() {
            leakedThread =
                    Thread.ofVirtual().name("leaky-virtual").start(LeakingFixtures::awaitRelease);
        }

        /** Leaves a child JVM running: the extension must fail it. */
        @Test
        void leakChildProcess() throws Exception {
            String java = ProcessHandle.current().info().command().orElseThrow();
            // jshell-free way to block: a JVM reading its standard input until it is destroyed.
            leakedProcess = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    BlockOnStdin.class.getName()).start();
        }

        /** Joins every thread it starts: the extension must let it pass. */
        @Test
        void joinsItsThreads() throws InterruptedException {
            Thread a = Thread.ofVirtual().start(() -> {});
            Thread b = Thread.ofPlatform().start(() -> {});
            a.join();
            b.join();
        }

        private static void awaitRelease() {
            try {
                release.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A child JVM that blocks until its standard input closes. */
    public static final class BlockOnStdin {
        public static void main(String[] args) throws Exception {
            while (System.in.read() >= 0) {
                // Keep reading until the parent closes the pipe or destroys the process.
            }
        }
    }
}
