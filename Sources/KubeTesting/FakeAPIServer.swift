import Hummingbird
import KubeClient
