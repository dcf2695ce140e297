package dev.loomcookbook.cluster;

import java.io.Serializable;
import java.util.UUID;

/**
 * What one run of a {@link CountTask} returns: the result and where and how long it ran.
 *
 * @param item         the item k
 * @param result       {@code count(k)}
 * @param member       the UUID of the member that ran it
 * @param pid          that member's process id
 * @param computeNanos the time {@code count(k)} took on the member
 */
public record TaskRun(int item, long result, UUID member, long pid, long computeNanos)
        implements
            Serializable {}
