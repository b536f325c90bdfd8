// Test-harness admin client for the local RocketMQ broker, run as a single-file source program
// (java -cp <rocketmq jars> RocketMqAdmin.java <plan.json>). One JVM applies the whole plan: topics,
// subscription groups, ACL 2.0 users and policies, broker config. Uses the rocketmq-tools admin API
// (DefaultMQAdminExt) with the admin user's credentials, as mqadmin would.
import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.JSONArray;
import com.alibaba.fastjson.JSONObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.remoting.protocol.subscription.SimpleSubscriptionData;
import org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

public class RocketMqAdmin {
    public static void main(String[] args) throws Exception {
        JSONObject plan = JSON.parseObject(new String(Files.readAllBytes(Paths.get(args[0])), StandardCharsets.UTF_8));
        String broker = plan.getString("brokerAddr");
        DefaultMQAdminExt admin = new DefaultMQAdminExt(new AclClientRPCHook(
            new SessionCredentials(plan.getString("accessKey"), plan.getString("secretKey"))), 10_000);
        admin.setNamesrvAddr(plan.getString("namesrvAddr"));
        admin.setInstanceName("harness-" + System.nanoTime());
        admin.start();
        try {
            JSONObject brokerConfig = plan.getJSONObject("brokerConfig");
            if (brokerConfig != null) {
                Properties properties = new Properties();
                for (Map.Entry<String, Object> e : brokerConfig.entrySet()) properties.setProperty(e.getKey(), String.valueOf(e.getValue()));
                admin.updateBrokerConfig(broker, properties);
                System.out.println("broker config " + properties.keySet());
            }
            for (JSONObject t : list(plan, "topics")) {
                TopicConfig config = new TopicConfig(t.getString("name"), t.getIntValue("queues"), t.getIntValue("queues"), 6);
                Map<String, String> attributes = new HashMap<>();
                attributes.put("+message.type", t.getString("messageType"));
                config.setAttributes(attributes);
                admin.createAndUpdateTopicConfig(broker, config);
                System.out.println("topic " + t.getString("name"));
            }
            // The proxy caches a missing route for topicRouteServiceCacheRefreshSeconds (20 s): a client must not ask
            // for a route before the broker has registered the topic with the name server. Also waits for the
            // routes of topics created elsewhere (awaitRoutes), e.g. by mqadmin in the provisioning Job.
            List<String> routed = new ArrayList<>();
            for (JSONObject t : list(plan, "topics")) routed.add(t.getString("name"));
            JSONArray awaited = plan.getJSONArray("awaitRoutes");
            if (awaited != null) for (int i = 0; i < awaited.size(); i++) routed.add(awaited.getString(i));
            int awaitSeconds = plan.getIntValue("awaitSeconds");
            for (String topic : routed) {
                long deadline = System.currentTimeMillis() + awaitSeconds * 1000L;
                while (true) {
                    Exception last = null;
                    try {
                        if (!admin.examineTopicRouteInfo(topic).getQueueDatas().isEmpty()) break;
                    } catch (Exception e) {
                        last = e;
                    }
                    if (System.currentTimeMillis() > deadline)
                        throw new IllegalStateException("the name server has no route for topic " + topic + " after " + awaitSeconds + " s", last);
                    Thread.sleep(200);
                }
                System.out.println("route " + topic);
            }
            for (JSONObject g : list(plan, "groups")) {
                SubscriptionGroupConfig config = new SubscriptionGroupConfig();
                config.setGroupName(g.getString("name"));
                JSONArray topics = g.getJSONArray("staticTopics");
                if (topics != null) {
                    Set<SimpleSubscriptionData> data = new HashSet<>();
                    for (int i = 0; i < topics.size(); i++) data.add(new SimpleSubscriptionData(topics.getString(i), "TAG", "*", 0));
                    config.setSubscriptionDataSet(data);
                }
                if (g.containsKey("retryMaxTimes")) config.setRetryMaxTimes(g.getIntValue("retryMaxTimes"));
                admin.createAndUpdateSubscriptionGroupConfig(broker, config);
                System.out.println("group " + g.getString("name"));
            }
            for (JSONObject u : list(plan, "users")) {
                admin.createUser(broker, u.getString("username"), u.getString("password"), u.getString("userType"));
                System.out.println("user " + u.getString("username"));
            }
            for (JSONObject a : list(plan, "acls")) {
                admin.createAcl(broker, a.getString("subject"), a.getJSONArray("resources").toJavaList(String.class),
                    a.getJSONArray("actions").toJavaList(String.class), null, a.getString("decision"));
                System.out.println("acl " + a.getString("subject") + " " + a.getJSONArray("resources"));
            }
        } finally {
            admin.shutdown();
        }
        System.out.println("admin plan applied");
    }

    private static List<JSONObject> list(JSONObject plan, String key) {
        JSONArray array = plan.getJSONArray(key);
        return array == null ? List.of() : array.toJavaList(JSONObject.class);
    }
}
